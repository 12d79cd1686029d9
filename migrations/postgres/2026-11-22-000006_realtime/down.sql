DROP TABLE messages;
DROP TABLE notifications;
