"""Domain package of the Veilig Thuis chat functions."""
