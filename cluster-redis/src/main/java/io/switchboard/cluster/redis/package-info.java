/**
 * {@link io.switchboard.cluster.redis.RedisTopicRelay}: topics across instances through Redis
 * pub/sub.
 */
@Export
@Version("1.0.0")
package io.switchboard.cluster.redis;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
