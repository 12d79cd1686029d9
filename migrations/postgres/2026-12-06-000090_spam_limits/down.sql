DROP INDEX messages_sender_time;
