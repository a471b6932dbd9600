"""The sorting center: weigh-ins, prices, residents' wallets, stock, lots to markets."""
