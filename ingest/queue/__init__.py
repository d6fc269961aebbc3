"""Work execution: the only package that imports rq and redis."""
