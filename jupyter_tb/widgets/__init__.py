"""The board: anywidget views of a logdir.

- :mod:`~jupyter_tb.widgets.base`: ``View`` / ``TaggedView`` and ``register_view`` (the plug-in API);
- :mod:`~jupyter_tb.widgets.library`: the one shared renderer-library model per kernel;
- :mod:`~jupyter_tb.widgets.wire`: messages with binary array buffers (``js/src/lib/wire.js`` decodes them);
- :mod:`~jupyter_tb.widgets.live_source`: one reader thread per logdir, shared by its views;
- :mod:`~jupyter_tb.widgets.dashboard`: the tabbed board;
- :mod:`~jupyter_tb.widgets.sidepanel`: showing a view in JupyterLab's side panel;
- :mod:`~jupyter_tb.widgets.views`: one module per tab (``js/src/views/`` mirrors it).
"""
