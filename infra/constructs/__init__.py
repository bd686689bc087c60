"""One construct per concern (data, storage, signing key, email, functions, API, workers, web, firewall,
monitoring); infra/stacks only wires them together."""
