"""Prometheus collectors for the gateway, read at scrape time from Redis.

Breaker state lives in Redis (shared by every worker), so the web process can
report it for all of them without any worker exporting anything.
"""

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from llm.breaker import breaker_state
from llm.registry import registry

STATE_VALUES = {"closed": 0, "half_open": 1, "open": 2}


class BreakerCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        state = GaugeMetricFamily(
            "beacon_llm_breaker_state",
            "Circuit breaker per deployment: 0 closed, 1 half open, 2 open, -1 unknown",
            labels=["deployment", "tier"],
        )
        opened = CounterMetricFamily(
            "beacon_llm_breaker_opened", "Times the deployment's breaker opened", labels=["deployment", "tier"]
        )
        for deployment in registry().enabled():
            current = breaker_state(deployment.name)
            state.add_metric([deployment.name, deployment.tier], STATE_VALUES.get(current["state"], -1))
            opened.add_metric([deployment.name, deployment.tier], current["timesOpened"])
        yield state
        yield opened
