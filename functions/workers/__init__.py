"""Work done apart from requests: stream consumers (reports, jobs) and scheduled jobs (expiry)."""
