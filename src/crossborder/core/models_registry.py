"""Imports every capability's tables so Alembic and backups see the whole schema."""

from __future__ import annotations

from crossborder.core import mail_models as _mail  # noqa: F401
from crossborder.core import ratelimit as _ratelimit  # noqa: F401
from crossborder.core.access import models as _access  # noqa: F401
from crossborder.core.audit import models as _audit  # noqa: F401
from crossborder.core.db import Base
from crossborder.customs import models as _customs  # noqa: F401
from crossborder.customs import prearrival as _prearrival  # noqa: F401
from crossborder.documents import models as _documents  # noqa: F401
from crossborder.exchange import models as _exchange  # noqa: F401
from crossborder.monitoring import kpi_models as _monitoring_kpis  # noqa: F401
from crossborder.monitoring import law_models as _monitoring_laws  # noqa: F401
from crossborder.monitoring import survey_models as _monitoring_survey  # noqa: F401
from crossborder.monitoring import tracking_models as _monitoring_tracking  # noqa: F401
from crossborder.redress import incident_models as _redress_incidents  # noqa: F401
from crossborder.redress import models as _redress  # noqa: F401
from crossborder.trust import application_models as _trust_applications  # noqa: F401
from crossborder.trust import business_models as _trust_businesses  # noqa: F401
from crossborder.trust import esign_models as _trust_esign  # noqa: F401
from crossborder.trust import flag_models as _trust_flags  # noqa: F401
from crossborder.trust import models as _trust  # noqa: F401

metadata = Base.metadata
