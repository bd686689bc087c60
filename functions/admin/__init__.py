"""The admin console's management of users, merchants, terminals, app users, programmes and audit."""
