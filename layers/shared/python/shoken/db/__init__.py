"""The data access layer: every DynamoDB key, condition and transaction of shoken lives in this package."""
