"""rbplots/fig_latency.py — (a) the latency of every platform in the file on every task, log axis, the paper's
task order; published platforms included and drawn hollow, measured bars with the 95 % CI of the median."""
from . import style, taskplot
from .common import latency_value, left_out


def draw(results, look):
    series = results.compared
    tasks = results.tasks
    if not tasks or not series:
        return None, "no ok rows"

    def value_of(t, s):
        return latency_value(results.get(t, s))

    widest = max(sum(1 for s in series if value_of(t, s)) for t in tasks)
    fig, axes, _, cols = taskplot.task_figure(tasks, widest)
    sources = taskplot.draw_tasks(axes, tasks, series, look, value_of, cols)
    label = "latency of one inference (ms, log scale)"
    if cols is None:
        axes[0].set_ylabel(label)
        style.plain_log_axis(axes[0].yaxis)
    else:
        for ax in axes:
            ax.set_xlabel(label, fontsize=8)
    fig.suptitle("Latency per task, every platform in the file (%d tasks; batch groups apart, LSTM before GRU)"
                 % len(tasks), fontsize=10)
    bars = cols is None
    counts = {s: "(%d)" % len(results.tasks_of(s)) for s in series}
    legends = [(style.platform_handles(look, series, bars, counts, results.source), "platform (tasks)"),
               (style.source_handles(sources, bars), "source")]
    foot = left_out(results)
    taskplot.finish(fig, legends, foot)
    return fig, {"layout": "bars" if bars else "dots", "tasks": len(tasks), "platforms": series,
                 "columns": [len(c) for c in cols] if cols else [len(tasks)]}
