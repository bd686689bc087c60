"""The local stack: moto in-process, the handlers behind an HTTP server, the UIs and a mailbox."""
