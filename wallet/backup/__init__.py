"""Moving a wallet: encrypted backup and restore, plain export, and confirming a DID."""
