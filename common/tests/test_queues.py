from common.queues import broker_is_amqp, queue_for, with_high_queues


def test_only_high_priority_goes_to_the_sibling_queue():
    assert queue_for("default", "high") == "default.high"
    assert queue_for("default", "normal") == "default"
    assert queue_for("llm", "low") == "llm"


def test_every_queue_has_its_high_sibling_right_after_it():
    assert with_high_queues(["default", "llm"]) == ["default", "default.high", "llm", "llm.high"]


def test_the_broker_kind_comes_from_the_url_scheme():
    assert broker_is_amqp("amqp://guest:guest@127.0.0.1:5672//")
    assert not broker_is_amqp("redis://127.0.0.1:6379/0")
