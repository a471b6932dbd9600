"""The registry of the three-tier network: sites, material catalogue, bins, vehicles."""
