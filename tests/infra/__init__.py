"""Infrastructure suite: assertions on the synthesized CDK templates (aws_cdk.assertions, cfn-lint, cdk-nag)."""
