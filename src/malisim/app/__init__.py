"""The interactive page for students (``malisim ui``): levers, Mali's map, outcome curves.

An optional extra (``pip install 'malisim[viz]'``): the model never imports this package.
:mod:`malisim.app.settings` (levers <-> scenarios), :mod:`malisim.app.render` (map and charts as
SVG) and :mod:`malisim.app.replicates` (replicates in local processes) are plain Python;
:mod:`malisim.app.page` is the Solara page and :mod:`malisim.app.server` starts it.
"""
