"""Jobs: the worker side. Celery tasks (tasks.py) call the worker service (worker.py), which
runs the Django-free stages in processing/ and stores and publishes each step."""
