"""Running the platform: the web server (gunicorn), the job queue (Dramatiq on Redis), its
workers and scheduler, and the whole demo stack."""
