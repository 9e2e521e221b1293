"""The dashboard: run selector, tag filter, load progress and one tab per view with data.

Each tab is its own view widget (its own comm, its own deltas), created when the logdir
first has data for it; the browser shares one run selection between all tabs, so toggling
runs works while the kernel is busy. Tabs come from :func:`registered_views`, so views of
other modules appear without changes here.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs}``; ``progress``
``{bytes_read, bytes_total, runs, loaded}``. Child tabs are the synced ``_tabs`` trait, in
TensorBoard's plugin order (:data:`TAB_ORDER`) whatever order their data arrived in.

``settings`` is the board's settings panel (two-way, every key of :data:`SETTINGS`): the
browser's tabs all read it; its values also reach the tabs' own traits of the same meaning
(``board.view("scalars").smoothing``), and board options such as ``smoothing=0.9`` start it.
"""

from __future__ import annotations

import threading

import traitlets

from jupyter_tb.compute.alert_rules import DEFAULT_RULES
from jupyter_tb.widgets.base import View, registered_views
from jupyter_tb.widgets.board_alerts import attach_alerts, stop_on_changed
from jupyter_tb.widgets.library import acting_for
from jupyter_tb.widgets.replay_record import REPLAY_BYTES
from jupyter_tb.widgets.views.group_series import Grouping

# TensorBoard's plugin order; kinds it does not know follow, in registration order.
TAB_ORDER = ("scalars", "images", "audio", "histograms", "distributions", "pr_curves", "text") + (
    "hparams", "custom_scalars", "graphs", "projector", "mesh", "profile",
)  # fmt: skip

# The settings panel's defaults (the same list as SETTINGS in js/src/lib/settings.js).
SETTINGS = {
    "smoothing": 0.6,
    "x_axis": "step",
    "ignore_outliers": False,
    "log_y": False,
    "card_width": 360,
    "tooltip_sort": "default",
    "tooltip_rows": 0,
    "histogram_mode": "offset",
    "image_brightness": 1.0,
    "image_contrast": 1.0,
    "group_center": "mean",
    "group_band": "std",
    "group_members": False,
    "group_steps": "union",
}
# setting -> the trait of the same meaning on the tab views that have one
VIEW_TRAITS = {
    "smoothing": "smoothing",
    "x_axis": "x_axis",
    "log_y": "log_y",
    "ignore_outliers": "ignore_outliers",
    "histogram_mode": "mode",
    "image_brightness": "brightness",
    "image_contrast": "contrast",
    "group_steps": "group_steps",
}


def _tab_rank(info) -> tuple:
    kind = info.kind
    return (TAB_ORDER.index(kind), 0) if kind in TAB_ORDER else (len(TAB_ORDER), info.order)


class Dashboard(Grouping, View):
    _kind = traitlets.Unicode("dashboard").tag(sync=True)
    _tabs = traitlets.List(traitlets.Dict()).tag(sync=True)  # [{kind, title, uid}]
    tab = traitlets.Unicode("", help="kind of the tab shown (two-way)").tag(sync=True)
    tag_filter = traitlets.Unicode("", help="the browser's tag regex box (two-way)").tag(sync=True)
    settings = traitlets.Dict(help="the settings panel: smoothing, x_axis, ... (two-way; see SETTINGS)").tag(
        sync=True
    )
    alerts = traitlets.List(traitlets.Dict(), help="alerts raised on this logdir (read-only)").tag(sync=True)
    stop_on = traitlets.List(traitlets.Unicode(), help="alert rules that stop the running cell").tag(
        sync=True
    )
    saved_bytes = traitlets.Int(
        REPLAY_BYTES,
        min=0,
        help="bytes of data a saved notebook keeps of this board, so it draws without the kernel "
        "(reopened, or on an nbconvert page); 0 = none (default 1 MB)",
    )

    def __init__(self, source=None, alert_rules=DEFAULT_RULES, **options):
        self._alert_rules = alert_rules
        own = {k: v for k, v in options.items() if self.has_trait(k)}
        self._child_options = {k: v for k, v in options.items() if k not in own}
        known = set()
        for info in registered_views():
            known.update(info.cls.class_trait_names())
        unknown = sorted(set(self._child_options) - known)
        if unknown:
            raise TypeError(f"unknown board option(s): {', '.join(unknown)}")
        # board(..., smoothing=0.9) starts the settings panel there
        given = {name: self._child_options[t] for name, t in VIEW_TRAITS.items() if t in self._child_options}
        own["settings"] = {**SETTINGS, **given, **own.get("settings", {})}
        super().__init__(source, **own)

    def setup(self) -> None:
        self.views: dict[str, View] = {}
        self._runs: tuple = ()
        self._add_tabs()
        self._alert_monitor = attach_alerts(self, self._alert_rules) if self.source is not None else None
        if self.source is not None and not self.source.loaded.is_set():
            threading.Thread(target=self._report_progress, daemon=True, name="jupyter_tb-progress").start()

    # -- tabs ---------------------------------------------------------------------------------
    def _add_tabs(self) -> bool:
        """Create the views that now have data; True when a tab was added."""
        added = False
        for info in registered_views():
            if info.kind in self.views:
                continue
            if not self._has_data(info):
                continue
            options = {k: v for k, v in self._child_options.items() if info.cls.class_traits().get(k)}
            options.update(self._setting_traits(info.cls))
            options.update(runs=self.runs, tags=self.tags, selected_runs=list(self.selected_runs))
            if issubclass(info.cls, Grouping):
                options["group_by"] = self.group_by
            self.views[info.kind] = info.cls(self.source, **options)
            added = True
        if added:
            order = {info.kind: i for i, info in enumerate(sorted(registered_views(), key=_tab_rank))}
            titles = {info.kind: info.title for info in registered_views()}
            self._tabs = [
                {"kind": kind, "title": titles[kind], "uid": view._uid}
                for kind, view in sorted(self.views.items(), key=lambda kv: order[kv[0]])
            ]
            if not self.tab or self.tab not in self.views:
                self.tab = self._tabs[0]["kind"]
        return added

    def _has_data(self, info) -> bool:
        """The logdir has data for the tab, among the runs and tags the filters let through."""
        try:
            if not info.has_data(self.logdir):
                return False
            if not (self.runs or self.tags) or not info.cls.kinds:
                return True
            return any(self.tags_of(run, kind) for run in self.run_names() for kind in info.cls.kinds)
        except Exception:  # a view's has_data failing must not break the board
            return False

    def view(self, kind: str) -> View:
        """The tab widget of ``kind`` (e.g. ``board.view("scalars").x_range``)."""
        try:
            return self.views[kind]
        except KeyError:
            raise KeyError(f"no {kind!r} tab (tabs: {', '.join(self.views) or 'none yet'})") from None

    # -- messages -----------------------------------------------------------------------------
    def _progress(self) -> dict:
        read, total, runs = self.logdir.progress
        return {
            "type": "progress",
            "bytes_read": read,
            "bytes_total": total,
            "runs": runs,
            "loaded": self.source.loaded.is_set() if self.source else True,
            "waiting": self.logdir.waiting,
        }

    def snapshot(self) -> list[dict]:
        if self.source is not None and self.source.loaded.is_set():
            self._add_tabs()  # the load may have finished since setup(): "loaded" never precedes its tabs
        runs = self.run_names()
        self._runs = tuple(runs)
        self.refresh_groups()
        return [{"type": "reset", "runs": runs}, self._progress()]

    def updates(self, changes: set) -> list[dict]:
        self._add_tabs()
        messages = [self._progress()]
        runs = self.run_names()
        if tuple(runs) != self._runs:
            self._runs = tuple(runs)
            messages.append({"type": "catalog", "runs": runs})
        self.refresh_groups()  # new runs, or hparams sessions that group them
        return messages

    def _report_progress(self) -> None:
        while not self.source.loaded.wait(0.3):
            if self.comm is None:
                return
            self.post(self._progress())
        with acting_for(self._session), self._lock:  # tabs before the final "loaded", whichever thread first
            self._add_tabs()
            self.post(self._progress())

    # -- two-way --------------------------------------------------------------------------------
    @traitlets.observe("selected_runs", "deselected_runs")
    def _selection_changed(self, change) -> None:
        for view in getattr(self, "views", {}).values():
            setattr(view, change["name"], list(change["new"]))

    def _setting_traits(self, cls) -> dict:
        """The settings as the traits of view class ``cls`` that mean the same."""
        traits = cls.class_traits()
        out = {}
        for name, trait in VIEW_TRAITS.items():
            if trait in traits and name in self.settings:
                out[trait] = self.settings[name]
        return out

    @traitlets.observe("settings")
    def _settings_changed(self, change) -> None:
        for view in getattr(self, "views", {}).values():
            for trait, value in self._setting_traits(type(view)).items():
                try:
                    setattr(view, trait, value)
                except traitlets.TraitError:  # a value only the newer panel knows: not the view's business
                    pass

    @traitlets.observe("runs", "tags")
    def _filters_changed(self, change) -> None:
        super()._filters_changed(change)
        for view in getattr(self, "views", {}).values():
            setattr(view, change["name"], change["new"])

    @traitlets.observe("stop_on")
    def _stop_on_changed(self, change) -> None:
        stop_on_changed(change["new"])

    def on_alert(self, callback):
        """Call ``callback(alert)`` once per new alert, on the reader thread (see ``alerts``)."""
        if self._alert_monitor is None:
            raise RuntimeError("this board has no logdir to watch")
        return self._alert_monitor.on_alert(callback)

    def close(self) -> None:
        """Close the board and its tabs; the logdir's reader thread stops too unless another
        view in this kernel still shows that logdir."""
        monitor = getattr(self, "_alert_monitor", None)
        if monitor is not None:
            monitor.close()
        for view in getattr(self, "views", {}).values():
            view.close()
        super().close()
        source = getattr(self, "source", None)
        if source is not None and not source.has_subscribers():
            source.close()

    def show_in_sidebar(self, *, title: str | None = None, anchor: str = "split-right") -> None:
        """Show this live board beside the notebook in JupyterLab (inline, with a note,
        elsewhere); see :mod:`jupyter_tb.widgets.sidepanel`."""
        from jupyter_tb.widgets.sidepanel import show_in_sidebar

        show_in_sidebar(self, title=title, anchor=anchor)
