"""The citizen wallet: balance, the payment QR, history and where vouchers can be used."""
