"""Distribution markets as a trading venue: buyers, listings, sealed bids, settlement, the price index."""
