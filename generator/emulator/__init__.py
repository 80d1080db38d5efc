"""A local Oxen API emulator: a real HTTP server that follows the API contract.

For development and tests without credits or network, and for fault drills. In a test::

    from generator.emulator import Emulator, EmulatorConfig, Faults

    with Emulator(EmulatorConfig(speed=1000, seed=7)) as emu:
        client = httpx.Client(base_url=emu.base_url,
                              headers={"Authorization": f"Bearer {emu.api_key}"})
        ...
        emu.set_faults(fail_rate=0.2)      # change faults while it runs
        emu.fail_next(3, status=503)       # the next three API requests answer 503
        emu.complete(generation_id)        # finish a job now (its event is sent)
        emu.jobs()                         # float completed_at per job, for benchmarks

From a shell: ``oxgen emulator --port 0 --speed 100`` prints its base URL and serves until
SIGINT/SIGTERM; steer it over HTTP under ``/_emulator`` (no key, never faulted or counted):

* ``GET /_emulator/stats``: requests per ``"METHOD /path/{template}"``, responses per status,
  jobs per status, connected event-stream clients, current faults.
* ``POST /_emulator/reset``: forget jobs, files and counters; restore configured faults and
  the seed, so a seeded emulator replays the same ids and durations.
* ``GET /_emulator/jobs``: every job with float ``enqueued_at``/``started_at``/``completed_at``.
* ``POST /_emulator/faults`` ``{"fail_rate": 0.1, ...}``: change some ``Faults`` fields.
* ``POST /_emulator/fail-next`` ``{"count": 2, "status": 502}``.
* ``POST /_emulator/jobs/{id}/complete`` ``{"status": "failed", "error_message": "..."}``.
* ``POST /_emulator/drop-event-streams``: close every open event stream now.

Behaviour beyond the contract (the contract leaves it open): result files are served at
``<base>/files/<id>.png|.mp4`` and need the bearer header; the blocking endpoints answer
parameter errors with HTTP 422 and the service's ``Getting model response error: 422 - ...``
text in ``error.detail``; cancelling a finished job answers success and changes nothing;
``GET /api/ai/queue`` accepts a comma-separated ``status`` list and answers 400 for an unknown
status; ``repo``/``folder`` filters match the request fields ``target_repo``/``target_folder``.
"""

from ._app import create_app
from ._config import DEFAULT_API_KEY, EmulatorConfig, Faults
from ._server import Emulator

__all__ = ["DEFAULT_API_KEY", "Emulator", "EmulatorConfig", "Faults", "create_app"]
