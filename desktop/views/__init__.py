"""Windows, dialogs and delegates. They show models and emit user intentions; never network or SQL."""
