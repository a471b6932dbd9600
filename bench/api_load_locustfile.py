"""The morning peak for bench/api_load.py, run by Locust in a process of its own.

Residents: each user starts tasks at random (Poisson) times, one a second on average, on a
schedule of its own that does not wait for the answers (``poisson_arrivals``): so RATE users
make a Poisson stream of RATE tasks a second, as residents do. A task reads the slots of a
day at their address,
then book one of the windows with room left, with a fresh Idempotency-Key. One booking in
RETRY_SHARE is sent twice at once with the same key, as a client retrying on a timeout
would. Staff users (``STAFF_USERS`` of them, same pacing) read the plans and a page of bins.

Why not Locust's ``constant_throughput(1)``: it paces each user from the end of its
previous wait, so a random phase given in ``on_start`` is undone at the second task and
every user fires in the same instant of each second (20 users measured within 50 ms): a
burst of RATE requests once a second, whose queue was most of the latency reported.

A 409 "window full" is an answer, not an error: it is counted as a success (the check of
capacity comes afterwards). Every booking answer is logged as (key, status, booking id) to
BENCH_LOG, for bench/api_load.py to check that no key made two bookings.

Settings come from the environment: BENCH_DATA (the JSON file api_load.py wrote: tokens,
addresses, days), BENCH_LOG, STAFF_USERS, RETRY_SHARE.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid

import gevent
from locust import FastHttpUser, events, task

DATA = json.loads(open(os.environ["BENCH_DATA"]).read())
RETRY_SHARE = float(os.environ.get("RETRY_SHARE", "0.1"))
ITEMS = [{"category": "paper", "quantity": 3}, {"category": "plastics.pet", "quantity": 1.5}]
_log = open(os.environ["BENCH_LOG"], "a", buffering=1)


def poisson_arrivals(per_second: float):
    """A wait_time: the next task is due an exponential gap after the previous one was due,
    whenever the previous one ended; one that is already late starts at once."""

    def wait_time(user) -> float:
        user.due += random.expovariate(per_second)
        return max(0.0, user.due - time.monotonic())

    return wait_time


def start_at_random_phase(user) -> None:
    user.due = time.monotonic() + random.expovariate(1.0)
    gevent.sleep(user.due - time.monotonic())


@events.quitting.add_listener
def _close_log(environment, **_kw):
    _log.close()


class Resident(FastHttpUser):
    wait_time = poisson_arrivals(1.0)
    weight = 1

    def on_start(self):
        start_at_random_phase(self)

    def _book(self, resident: dict, window_start: str, key: str, name: str) -> None:
        with self.client.post(
            "/api/v1/bookings",
            json={"items": ITEMS, "window_start": window_start},
            headers={"Authorization": f"Bearer {resident['token']}", "Idempotency-Key": key},
            name=name,
            catch_response=True,
        ) as response:
            booking_id = None
            if response.status_code == 201:
                booking_id = response.json()["id"]
                response.success()
            elif response.status_code == 409:
                response.success()
            else:  # status 0: no answer (response.error says why: a reset, a timeout)
                response.failure(f"{response.status_code}: {response.error or (response.text or '')[:200]}")
            _log.write(f"{key}\t{response.status_code}\t{booking_id or ''}\n")

    @task
    def read_slots_and_book(self):
        # How late the task starts against its schedule: what Locust's response times leave
        # out once answers are slower than the gaps (coordinated omission), as a row of its own.
        self.environment.events.request.fire(
            request_type="LAG",
            name="task start behind schedule",
            response_time=max(0.0, time.monotonic() - self.due) * 1000,
            response_length=0,
            exception=None,
            context={},
        )
        resident = random.choice(DATA["residents"])
        day = random.choice(DATA["days"])
        with self.client.get(
            f"/api/v1/slots?date={day}&lat={resident['lat']}&lon={resident['lon']}",
            headers={"Authorization": f"Bearer {resident['token']}"},
            name="GET /api/v1/slots",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.error or (response.text or '')[:200]}")
                return
            slots = response.json()
        open_slots = [s for s in slots if s["bookable"] and s["remaining"] > 0]
        if not open_slots:
            open_slots = [s for s in slots if s["bookable"]]  # all full: the answer will be a 409
        if not open_slots:
            return
        window_start = random.choice(open_slots)["window_start"]
        key = uuid.uuid4().hex
        if random.random() < RETRY_SHARE:
            twins = [
                gevent.spawn(self._book, resident, window_start, key, "POST /api/v1/bookings (same key twice at once)")
                for _ in range(2)
            ]
            gevent.joinall(twins)
        else:
            self._book(resident, window_start, key, "POST /api/v1/bookings")


class Staff(FastHttpUser):
    wait_time = poisson_arrivals(1.0)
    fixed_count = int(os.environ.get("STAFF_USERS", "0"))

    def on_start(self):
        start_at_random_phase(self)

    @task
    def read_plans_and_bins(self):
        token = random.choice(DATA["staff"])
        headers = {"Authorization": f"Bearer {token}"}
        self.client.get("/api/v1/plans?page_size=20", headers=headers, name="GET /api/v1/plans")
        self.client.get(
            f"/api/v1/bins?page_size=50&page={random.randint(1, 4)}", headers=headers, name="GET /api/v1/bins"
        )
