"""Standard JSON-LD context documents shipped with Plecak, indexed by URL in index.json."""
