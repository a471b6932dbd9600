"""Running the platform: the web server and the whole demo stack."""
