"""The W3C CCG VC API verifier: verify credentials and presentations posted as JSON."""
