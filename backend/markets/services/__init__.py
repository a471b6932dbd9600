"""The markets domain's services: buyers, trading (listings, bids, closing), settlement, prices."""
