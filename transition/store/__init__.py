"""The store: the record in its database, every change to it with its audit
event, and what the commands read from it. It uses the core, never the
documents or the command line."""
