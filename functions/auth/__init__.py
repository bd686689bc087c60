"""Sign-in for the console, the merchant app and the wallet; sessions; the public site description."""
