-- The databases the project uses, as infra/up.sh creates them on the local server: the
-- orchestrator's, one per example service, and the one integration tests use.
CREATE DATABASE IF NOT EXISTS `sagaflow` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS `sagaflow_orders` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS `sagaflow_payments` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS `sagaflow_inventory` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS `sagaflow_test` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
