"""malisim: agent-based simulation of stabilisation scenarios in Mali, built on Mesa.

A tool to explore scenarios and their uncertainty, not a forecast.
"""

__version__ = "0.1.0"
