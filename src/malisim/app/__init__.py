"""The interactive page for students (``malisim ui``): levers, Mali's map, outcome curves.

An optional extra (``pip install 'malisim[viz]'``): the model never imports this package.

Plain Python, tested without a browser:

* :mod:`malisim.app.settings` — levers <-> scenarios;
* :mod:`malisim.app.render` — the map and the charts as SVG (:mod:`malisim.app.svgchart` draws
  the charts);
* :mod:`malisim.app.replicates` — replicates in local processes;
* :mod:`malisim.app.session` — the state of one browser session (its model and scenarios);
* :mod:`malisim.app.run_loop` — playing the months and re-running new settings;
* :mod:`malisim.app.texts` — what the page says, and the escaping of the scenario's texts;
* :mod:`malisim.app.style` — the page's stylesheet.

Solara:

* :mod:`malisim.app.page` — the page (its state, threads and layout);
* :mod:`malisim.app.lever_panel` — the levers; :mod:`malisim.app.panels` — the map, the charts
  and the replicates card;
* :mod:`malisim.app.server` starts it.
"""
