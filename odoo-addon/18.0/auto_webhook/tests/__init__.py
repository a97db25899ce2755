from . import test_logging
from . import test_cleanup
from . import test_tracking
from . import test_access
from . import test_values
from . import test_protocol
from . import test_views
from . import test_migration
