"""gunicorn's settings for production (docker-compose.yml) and the load bench.

3 processes x 4 threads: see bench/README.md for what was measured.
"""

workers = 3
threads = 4
timeout = 60
