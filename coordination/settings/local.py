"""Local development and the embedded demo: DEBUG on unless the environment turns it off."""

import environ

from .base import *

DEBUG = environ.Env().bool("DEBUG", default=True)
