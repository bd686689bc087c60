"""The stacks: each only wires the constructs of infra/constructs together."""
