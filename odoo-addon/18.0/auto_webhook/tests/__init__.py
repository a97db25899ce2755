from . import test_logging
from . import test_cleanup
from . import test_tracking
from . import test_access
