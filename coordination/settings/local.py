"""Local development and the embedded demo: DEBUG on unless the environment turns it off."""

from .base import *

DEBUG = env.bool("DEBUG", default=True)
