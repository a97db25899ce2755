from . import update_webhook
from . import webhook_errors
from . import webhook_cleanup_cron
from . import res_config_settings
