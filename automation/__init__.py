"""Work that runs itself: schedules, the worker that runs them, alert rules, delivery and the digest."""
