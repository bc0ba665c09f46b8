"""The "download this run" buttons: the server makes the file only when one is pressed.

A small Vue template widget (ipyvuetify's ``VuetifyTemplate``), like the upload button of
:mod:`malisim.app.upload_widget`. Pressing it sets the ``request`` trait (a time stamp); the page
makes the file in a guarded callback (``on_request``) and passes it back as ``payload``
(``{data: base64, stamp}``); the browser turns a new payload into a file download. Nothing is
sent before the button is pressed, so the page's redraws every month stay as light as before.

(Solara's own ``FileDownload`` draws no button with the pinned ipyvuetify 3: its template nests
a widget that Vue 3 does not render.)
"""

from __future__ import annotations

import base64
import time

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <button type="button" class="malisim-download" :title="tooltip" @click="ask">{{ label }}</button>
</template>
<script>
module.exports = {
  watch: {
    payload(value) {
      if (!value || !value.data) { return; }
      const text = atob(value.data);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
      const url = URL.createObjectURL(new Blob([bytes], {type: this.mime}));
      const link = document.createElement("a");
      link.href = url;
      link.download = this.filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 5000);
    },
  },
  methods: {
    ask() { this.request = Date.now(); },
  },
};
</script>
"""


class RunDownload(v.VuetifyTemplate):  # type: ignore[misc]
    """A download button; ``request`` changes on each press, ``payload`` brings the file."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("Download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.dat").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    request = traitlets.Float(0.0).tag(sync=True)
    payload = traitlets.Dict(default_value={}).tag(sync=True)


def payload(data: bytes) -> dict[str, object]:
    """The ``payload`` of a file: its bytes as base64, with a stamp so each press downloads."""
    return {"data": base64.b64encode(data).decode("ascii"), "stamp": time.time()}
