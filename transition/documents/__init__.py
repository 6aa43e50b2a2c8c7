"""The documents: what each printed sheet says, its HTML, its PDF, and the
calendar feed. They read the store and the core, never the command line."""
