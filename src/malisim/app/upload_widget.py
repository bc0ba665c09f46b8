"""The "open a scenario file" button: a file input that sends the file's text to the server.

A small Vue template widget (ipyvuetify's ``VuetifyTemplate``): a plain ``<input type=file>``
styled as a button. When the student picks a file, the browser reads it (at most
:data:`malisim.app.upload.MAX_UPLOAD_BYTES`; a larger file is refused in the browser with its
size, so it is never sent) and sets the widget's ``upload`` trait to ``{name, size, text,
stamp}``; the page reacts to the change (``on_upload``) through a guarded callback.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

from malisim.app.upload import MAX_UPLOAD_BYTES

TEMPLATE = """
<template>
  <label class="malisim-upload" :title="tooltip">
    <input type="file" accept=".yaml,.yml" class="malisim-upload-input" @change="read" />
    <span class="malisim-upload-label">{{ label }}</span>
  </label>
</template>
<script>
module.exports = {
  methods: {
    read(event) {
      const input = event.target;
      const file = input.files && input.files[0];
      if (!file) { return; }
      const stamp = Date.now();
      if (file.size > MAX_BYTES) {
        this.upload = {name: file.name, size: file.size, text: "", stamp};
        input.value = "";
        return;
      }
      file.text().then(text => {
        this.upload = {name: file.name, size: file.size, text, stamp};
        input.value = "";
      });
    },
  },
};
</script>
""".replace("MAX_BYTES", str(MAX_UPLOAD_BYTES))


class ScenarioUpload(v.VuetifyTemplate):  # type: ignore[misc]
    """The file input; ``upload`` holds the last file picked (name, size, text, stamp)."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("Open a scenario file…").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    upload = traitlets.Dict(default_value={}).tag(sync=True)
