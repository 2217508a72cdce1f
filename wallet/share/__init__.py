"""What a holder sends out: selective-disclosure share links and the recruiter's view."""
