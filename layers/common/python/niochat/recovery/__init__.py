"""Recovery campaigns: settings, leads found on the stream, attempts sent by the timers, statistics."""
