bucket = "vtchat-test-tfstate"
