"""While a clip is reviewed, the pose model keeps a CPU to itself (`formcheck.cores`): the model's
thread runs there, the pictures' threads and the reader on the others, and every thread is given
its CPUs back afterwards. (How much faster that is: benchmarks/bench_analyze.py.)"""
import os
import threading

import pytest

from conftest import make_clip
from test_pose_stream import recorded_model  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                                reason="needs CPU affinity and at least 2 CPUs")


@pytest.fixture
def keeping():
    from formcheck.cores import keep_core_for_model, keeping_core_for_model
    before = keeping_core_for_model()
    keep_core_for_model(True)
    yield
    keep_core_for_model(before)


def _cpus_of(name: str) -> set[int]:
    (thread,) = [t for t in threading.enumerate() if t.name == name]
    return os.sched_getaffinity(thread.native_id)


def test_model_core_keeps_one_cpu_and_gives_the_threads_their_cpus_back(keeping):
    from formcheck.cores import kept_cpus, leave_model_core, model_core
    mine = os.sched_getaffinity(0)
    seen = {}

    def picture_thread():
        leave_model_core()
        seen["picture"] = os.sched_getaffinity(0)

    second, go = {}, threading.Event()

    def another_stream():  # a second stream opened on another thread (an app's other session)
        go.wait()
        with model_core() as c:
            second["cpu"], second["kept"] = c, kept_cpus()
    other = threading.Thread(target=another_stream)
    other.start()  # started before this thread keeps a CPU (it would inherit that one CPU)
    with model_core() as cpu:
        assert cpu in mine and os.sched_getaffinity(0) == {cpu} and kept_cpus() == {cpu}
        go.set()
        other.join()
        assert second["cpu"] in mine - {cpu} and second["kept"] == {cpu, second["cpu"]}
        t = threading.Thread(target=picture_thread)
        t.start()
        t.join()
        assert seen["picture"] == mine - {cpu}
    assert os.sched_getaffinity(0) == mine and kept_cpus() == set()


def test_nothing_is_kept_unless_the_process_asks():
    from formcheck.cores import keeping_core_for_model, model_core
    assert not keeping_core_for_model()  # tests and batch workers run beside each other
    mine = os.sched_getaffinity(0)
    with model_core() as cpu:
        assert cpu is None and os.sched_getaffinity(0) == mine


def test_a_pose_stream_runs_its_model_on_the_kept_cpu_and_the_rest_elsewhere(tmp_path, recorded_model, keeping):
    from formcheck.cores import kept_cpus
    from formcheck.pose.stream import PoseStream
    mine = os.sched_getaffinity(0)
    clip = make_clip(tmp_path / "c.mp4", n_frames=30)
    with PoseStream(clip) as stream:
        (cpu,) = kept_cpus()
        for pf in stream:
            if pf.index == 5:
                assert _cpus_of("formcheck-pose") == {cpu}  # where the model is called
                assert cpu not in _cpus_of("formcheck-decoder")
                assert cpu not in os.sched_getaffinity(0)  # the reader: checking, drawing
                break  # stopped early: the threads end, the CPUs come back all the same
    assert os.sched_getaffinity(0) == mine and kept_cpus() == set()
    assert not any(t.name in ("formcheck-decoder", "formcheck-pose") for t in threading.enumerate())


def test_a_shared_model_core_lets_the_pictures_threads_use_every_cpu(keeping):
    from formcheck.cores import leave_model_core, model_core
    mine = os.sched_getaffinity(0)
    seen = {}

    def picture_thread():  # started on the model's CPU, as the decoder is
        leave_model_core()
        seen["picture"] = os.sched_getaffinity(0)

    with model_core(exclusive=False) as cpu:
        assert os.sched_getaffinity(0) == {cpu}
        t = threading.Thread(target=picture_thread)
        t.start()
        t.join()
    assert seen["picture"] == mine and os.sched_getaffinity(0) == mine


def test_pictures_over_1080p_share_the_models_cpu(tmp_path, recorded_model, keeping):
    from formcheck.pose.stream import PoseStream
    mine = os.sched_getaffinity(0)
    with PoseStream(make_clip(tmp_path / "big.mp4", n_frames=10, size_wh=(2560, 1440))) as stream:
        for pf in stream:
            assert _cpus_of("formcheck-decoder") == mine
            break
    with PoseStream(make_clip(tmp_path / "hd.mp4", n_frames=10, size_wh=(1920, 1080))) as stream:
        for pf in stream:
            assert _cpus_of("formcheck-decoder") != mine
            break


def test_the_cpus_come_back_to_the_thread_that_kept_one_whichever_thread_leaves(keeping):
    from formcheck.cores import kept_cpus, model_core
    mine = os.sched_getaffinity(0)
    block = model_core()
    cpu = block.__enter__()
    assert os.sched_getaffinity(0) == {cpu}
    t = threading.Thread(target=lambda: block.__exit__(None, None, None))  # e.g. a stream closed elsewhere
    t.start()
    t.join()
    assert os.sched_getaffinity(0) == mine and kept_cpus() == set()


def test_closing_a_stream_while_it_is_read_stops_its_threads(tmp_path, recorded_model, keeping):
    from formcheck.pose.stream import PoseStream
    mine = os.sched_getaffinity(0)
    stream = PoseStream(make_clip(tmp_path / "c.mp4", n_frames=60))
    frames = iter(stream)
    next(frames)
    done = threading.Thread(target=stream.close)  # a second Ctrl-C, a `with` left mid-loop
    done.start()
    done.join(timeout=10)
    assert not done.is_alive(), "close() hung"
    assert len(list(frames)) <= 3  # what had been read ahead, then the end
    assert not any(t.name in ("formcheck-decoder", "formcheck-pose") for t in threading.enumerate())
    assert os.sched_getaffinity(0) == mine


def test_the_commands_keep_a_cpu_only_while_they_run(tmp_path, recorded_model):
    from formcheck.cli import main
    from formcheck.cores import keeping_core_for_model
    clip = make_clip(tmp_path / "c.mp4", n_frames=20)
    main(["analyze", str(clip), "--exercise", "calf_raise", "-q"])
    assert not keeping_core_for_model()


def test_a_stream_may_call_the_model_on_the_reading_thread(tmp_path, recorded_model):
    from formcheck.pose.stream import PoseStream
    with PoseStream(make_clip(tmp_path / "c.mp4", n_frames=10), own_thread=False) as stream:
        for pf in stream:
            assert not any(t.name == "formcheck-pose" for t in threading.enumerate())
        assert pf.index == 9
