"""The page's stylesheet: the layout of the header, the side column of levers and the panels.

The class names (``malisim-*``, ``lever-*``) are also what the browser test finds the page's
parts by.
"""

CSS = """
.malisim-root { width: 100%; max-width: 100%; font-size: 14px;
  padding: 4px 10px 10px 10px; box-sizing: border-box; }
.malisim-header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap;
  padding: 2px 4px 6px 4px; border-bottom: 1px solid #ddd; margin-bottom: 8px; }
.malisim-header h1 { font-size: 20px; margin: 0; font-weight: 700; }
.malisim-header .sub { color: #555; font-size: 13px; }
.malisim-body { display: flex; gap: 12px; align-items: flex-start; width: 100%; }
.malisim-side { flex: 0 0 330px; width: 330px; max-height: calc(100vh - 70px);
  overflow-y: auto; overflow-x: hidden; position: sticky; top: 4px; padding-right: 6px; }
.malisim-main { flex: 1 1 auto; min-width: 0; }
.malisim-side .malisim-seed { margin-bottom: 8px; }
.malisim-group { border: 1px solid #e0e0e0; border-radius: 6px; padding: 4px 10px 2px 10px;
  margin-bottom: 8px; background: #fafafa; }
.malisim-group-title { font-weight: 700; font-size: 13px; margin: 2px 0 0 0; color: #333; }
.lever-label { font-size: 12.5px; color: #333; margin-top: 2px; cursor: help; }
.lever-label b { color: #000; }
.lever-label .unit { color: #777; }
.lever-label .info, .malisim-info { display: inline-block; width: 14px; height: 14px;
  border-radius: 50%; background: #4477AA; color: #fff; font-size: 10px; line-height: 14px;
  text-align: center; font-weight: 700; vertical-align: 1px; }
.malisim-side .v-input__details { display: none; }
.malisim-side .v-switch .v-selection-control { min-height: 34px; }
.malisim-side .v-switch .v-label { font-size: 14px; font-weight: 600; opacity: 0.9; }
.malisim-side .v-slider.v-input--horizontal { margin-inline: 8px; }
.malisim-side .v-slider .v-input__control { min-height: 24px; }
.malisim-map-col .v-input__details { display: none; }
.malisim-map-col .v-selection-control { min-height: 32px; }
.malisim-controls { display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  margin-bottom: 6px; }
.malisim-date { font-size: 22px; font-weight: 700; min-width: 150px; }
.malisim-month-count { color: #666; font-size: 12.5px; }
.malisim-panels { display: grid; grid-template-columns: minmax(0, 42fr) minmax(0, 58fr);
  gap: 12px; width: 100%; }
.malisim-charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 4px 10px; }
.malisim-fans { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }
.malisim-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px;
  margin-top: 2px; }
.malisim-legend span.sw { display: inline-block; width: 12px; height: 12px;
  vertical-align: -2px; margin-right: 4px; border: 1px solid #999; }
.malisim-legend span.disc { border-radius: 50%; background: #EE6677; border-color: #882233; }
.malisim-legend span.ring { border-radius: 50%; border: 2px solid #0b3d91; background: none; }
.malisim-note { color: #666; font-size: 12px; }
.malisim-card { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 10px;
  margin-top: 10px; }
.malisim-card h2 { font-size: 15px; margin: 0 0 4px 0; }
.malisim-other { margin: 0 0 8px 0; padding-left: 18px; }
.malisim-other li { font-size: 12px; color: #444; }
.malisim-save { display: inline-block; margin: 4px 0 12px 0; padding: 7px 14px;
  border: 1px solid #4477AA; border-radius: 4px; color: #224477 !important; font-weight: 600;
  text-decoration: none; font-size: 13.5px; }
.malisim-save:hover { background: #eef3fa; }
.malisim-message { display: flex; align-items: center; gap: 10px; margin: 4px 0 8px 0;
  padding: 8px 12px; border: 1px solid #b00020; border-left-width: 5px; border-radius: 4px;
  background: #fdecee; color: #5f0010; font-size: 13.5px; overflow-wrap: anywhere; }
.malisim-message .text { flex: 1 1 auto; min-width: 0; }
.malisim-upload { position: relative; display: inline-block; margin: 0 0 10px 0; padding: 6px 12px;
  border: 1px dashed #4477AA; border-radius: 4px; color: #224477; font-weight: 600;
  font-size: 13px; cursor: pointer; }
.malisim-upload:hover { background: #eef3fa; }
.malisim-tabs { margin-bottom: 8px; }
.malisim-totals { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12.5px;
  margin: 0 0 4px 0; color: #333; }
.malisim-totals .base { color: #777; }
.malisim-export { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 12px 0; }
.malisim-download { padding: 5px 10px; border: 1px solid #4477AA; border-radius: 4px;
  color: #224477; font-weight: 600; font-size: 12.5px; background: #fff; cursor: pointer; }
.malisim-download:hover { background: #eef3fa; }
/* narrower windows (from 1024 px): the side column narrows and the map sits above the charts,
   so each chart keeps about half the main column's width */
@media (max-width: 1279px) {
  .malisim-side { flex-basis: 290px; width: 290px; }
  .malisim-panels { grid-template-columns: minmax(0, 1fr); }
  .malisim-map-col { max-width: 480px; }
  .malisim-fans { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
.malisim-info-tab { max-width: 900px; padding: 4px 8px; font-size: 14px; line-height: 1.5; }
.malisim-info-tab h2 { font-size: 16px; margin: 14px 0 4px 0; }
.malisim-info-tab p { margin: 0 0 8px 0; }
.malisim-sources { display: grid; grid-template-columns: max-content minmax(0, 1fr);
  gap: 4px 12px; font-size: 12.5px; }
.malisim-sources dt { font-weight: 700; }
.malisim-sources dd { margin: 0; overflow-wrap: anywhere; }
.malisim-upload-input { position: absolute; width: 1px; height: 1px; opacity: 0;
  overflow: hidden; }
"""
