"""Static analysis of a Django project: apps, models, couplings, URL ownership.

Reads source with the stdlib ``ast`` and never imports or runs the analysed project.
"""
