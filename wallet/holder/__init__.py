"""The holder's portfolio: stored credentials, organising, images, notices and import jobs."""
