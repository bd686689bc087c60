"""shoken's CDK app: one construct per concern, composed by the stacks in infra/stacks."""
